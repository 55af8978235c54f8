#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcModels)
//! The persistent metadata cache. Its failures are warnings, never fatal: a cache must not
//! break browsing.
Q_DECLARE_LOGGING_CATEGORY(lcCache)
