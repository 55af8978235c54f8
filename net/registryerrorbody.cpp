#include "registryerrorbody.h"
