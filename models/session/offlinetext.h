#pragma once

#include "net/core/error.h"

#include <QDateTime>
#include <QString>

namespace Berth {

class Reconnector;

//! How long ago then was, for "last seen 3 hours ago": "just now" under a minute, then
//! minutes, hours, days; the date itself beyond a month (ages that long read better as a date).
QString ageText(const QDateTime &then, const QDateTime &now = QDateTime::currentDateTimeUtc());

//! Why a registry cannot be reached, shortly: the cause at the end of error's message
//! ("Connection refused" of "Connecting to host: network error talking to host: Connection
//! refused"), which is what a person needs beside the host that is named anyway.
QString unreachableReason(const Error &error);

//! "Retrying in 12 s" while reconnector waits, "Retrying now …" while it tries; empty when it
//! is not active.
QString retryText(const Reconnector *reconnector);

} // namespace Berth
