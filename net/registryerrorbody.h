#pragma once

#include <QByteArrayView>
#include <QString>

namespace Berth {

//! Turns a registry error body ({"errors":[{"code","message","detail"}]}, also Harbor's) into
//! one line for a person, e.g. "MANIFEST_UNKNOWN: manifest unknown". Empty when the body is not
//! such a document. Text is sanitised (control characters dropped, length capped).
QString registryErrorMessage(QByteArrayView body);

//! The first error code of such a body ("MANIFEST_UNKNOWN"), empty when none.
QString registryErrorCode(QByteArrayView body);

} // namespace Berth
