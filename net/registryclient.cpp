#include "registryclient.h"
