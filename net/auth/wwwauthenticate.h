#pragma once

#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>

namespace Berth {

//! One challenge of a WWW-Authenticate header (RFC 7235): scheme plus auth-params.
struct AuthChallenge
{
    QString scheme;                 //!< lower-cased: "bearer", "basic"
    QHash<QString, QString> params; //!< keys lower-cased; quoted-string values unescaped

    QString param(const QString &name) const { return params.value(name); }
};

//! Parses one header value, which may carry several comma-separated challenges and quoted
//! strings containing commas ("scope=\"repository:a:pull,push\""). Malformed parts are skipped.
QList<AuthChallenge> parseWwwAuthenticate(QByteArrayView headerValue);

} // namespace Berth
