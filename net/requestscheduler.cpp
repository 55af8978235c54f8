#include "requestscheduler.h"
