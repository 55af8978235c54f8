#include "authenticator.h"
