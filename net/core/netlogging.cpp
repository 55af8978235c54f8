#include "net/core/netlogging.h"

Q_LOGGING_CATEGORY(lcNet, "berth.net", QtWarningMsg)
Q_LOGGING_CATEGORY(lcAuth, "berth.net.auth", QtWarningMsg)
Q_LOGGING_CATEGORY(lcScheduler, "berth.net.scheduler", QtWarningMsg)
