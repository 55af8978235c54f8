#pragma once

#include <QByteArrayView>
#include <QUrl>

namespace Berth {

//! The target of the rel="next" link in a Link header (RFC 8288), resolved against the URL of
//! the request that returned it (Distribution sends path-only links). Invalid or absent: empty.
QUrl nextLink(QByteArrayView linkHeader, const QUrl &requestUrl);

} // namespace Berth
