#include "linkheader.h"
