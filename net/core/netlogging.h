#pragma once

#include <QLoggingCategory>

// Requests are logged as method + URL without query; never a header value or a body.
Q_DECLARE_LOGGING_CATEGORY(lcNet)
Q_DECLARE_LOGGING_CATEGORY(lcAuth)
Q_DECLARE_LOGGING_CATEGORY(lcScheduler)
