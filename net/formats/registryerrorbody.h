#pragma once

#include "net/core/error.h"

#include <QByteArrayView>
#include <QString>

namespace Berth {

//! Turns a registry error body ({"errors":[{"code","message","detail"}]}, also Harbor's) into
//! one line for a person, e.g. "MANIFEST_UNKNOWN: manifest unknown". Empty when the body is not
//! such a document. Text is sanitised (control characters dropped, length capped).
QString registryErrorMessage(QByteArrayView body);

//! The first error code of such a body ("MANIFEST_UNKNOWN"), empty when none.
QString registryErrorCode(QByteArrayView body);

//! The Error for a final HTTP status >= 400: 401 Unauthorized, 403 Forbidden, 404 NotFound,
//! 409 Conflict, 429 TooManyRequests, 5xx Server, other Http; the message is the registry's
//! error text when the body carries one, else "HTTP <status> <reason phrase>".
Error httpError(int status, QByteArrayView body);

} // namespace Berth
