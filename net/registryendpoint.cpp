#include "registryendpoint.h"
