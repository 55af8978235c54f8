#include "ocibackend.h"
