#include "artifactkind.h"
