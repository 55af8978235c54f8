#include "dockerconfig.h"
