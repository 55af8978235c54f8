#include "networkaccessmanager.h"
