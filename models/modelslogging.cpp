#include "models/modelslogging.h"

Q_LOGGING_CATEGORY(lcModels, "berth.models", QtWarningMsg)
Q_LOGGING_CATEGORY(lcCache, "berth.models.cache", QtWarningMsg)
