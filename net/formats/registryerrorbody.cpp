#include "net/formats/registryerrorbody.h"

#include "net/core/servertext.h"
#include "net/oci/registryclient.h" // errorFromResponse(), declared with the client that uses it most
#include "net/transport/requestscheduler.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Error documents are a few hundred bytes; a bigger body is a page of HTML or worse.
constexpr qsizetype MaxErrorBodyBytes = 64 * 1024;
// One line in a status bar or dialog; longer server text is cut.
constexpr qsizetype MaxMessageLength = 300;
// A detail longer than this (Distribution can put whole manifests there) is left out.
constexpr qsizetype MaxDetailLength = 120;

QJsonArray errorEntries(QByteArrayView body)
{
    if (body.isEmpty() || body.size() > MaxErrorBodyBytes)
        return {};
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return {};
    return document.object().value("errors"_L1).toArray();
}

QString sanitise(const QString &text)
{
    QString clean;
    clean.reserve(qMin(text.size(), MaxMessageLength + 1));
    for (QChar c : text) {
        if (c.isSpace()) {
            clean.append(u' ');
            continue;
        }
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format) {
            // Shown, not obeyed: ESC reads as \x1b (and a zero-width character as \u{200b}).
            const QString shown = ServerText::visible(QStringView(&c, 1));
            clean.append(shown.size() > 1 ? shown
                                          : u"\\u{"_s + QString::number(c.unicode(), 16) + u'}');
            continue;
        }
        clean.append(c);
    }
    clean = clean.simplified();
    if (clean.size() > MaxMessageLength) {
        clean.truncate(MaxMessageLength - 1);
        clean.append(QChar(0x2026)); // "…" shows that text was cut
    }
    return clean;
}

QString compactDetail(const QJsonValue &detail)
{
    QString text;
    if (detail.isString())
        text = detail.toString();
    else if (detail.isDouble() || detail.isBool())
        text = detail.toVariant().toString();
    else if (detail.isObject())
        text = QString::fromUtf8(QJsonDocument(detail.toObject()).toJson(QJsonDocument::Compact));
    else if (detail.isArray())
        text = QString::fromUtf8(QJsonDocument(detail.toArray()).toJson(QJsonDocument::Compact));
    if (text.size() > MaxDetailLength || text == u"{}" || text == u"[]")
        return {};
    return text;
}

QString entryText(const QJsonObject &entry)
{
    const QString code = entry.value("code"_L1).toString();
    const QString message = entry.value("message"_L1).toString();
    QString text = code;
    if (!message.isEmpty())
        text = code.isEmpty() ? message : code + u": "_s + message;
    const QString detail = compactDetail(entry.value("detail"_L1));
    if (!detail.isEmpty() && !text.isEmpty())
        text += u" ("_s + detail + u')';
    return text;
}

QString reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return u"Bad Request"_s;
    case 401:
        return u"Unauthorized"_s;
    case 403:
        return u"Forbidden"_s;
    case 404:
        return u"Not Found"_s;
    case 405:
        return u"Method Not Allowed"_s;
    case 409:
        return u"Conflict"_s;
    case 412:
        return u"Precondition Failed"_s;
    case 413:
        return u"Payload Too Large"_s;
    case 416:
        return u"Range Not Satisfiable"_s;
    case 429:
        return u"Too Many Requests"_s;
    case 500:
        return u"Internal Server Error"_s;
    case 501:
        return u"Not Implemented"_s;
    case 502:
        return u"Bad Gateway"_s;
    case 503:
        return u"Service Unavailable"_s;
    case 504:
        return u"Gateway Timeout"_s;
    default:
        return {};
    }
}

ErrorCode codeForStatus(int status)
{
    switch (status) {
    case 401:
        return ErrorCode::Unauthorized;
    case 403:
        return ErrorCode::Forbidden;
    case 404:
        return ErrorCode::NotFound;
    case 409:
        return ErrorCode::Conflict;
    case 429:
        return ErrorCode::TooManyRequests;
    default:
        return status >= 500 && status <= 599 ? ErrorCode::Server : ErrorCode::Http;
    }
}

} // namespace

QString registryErrorMessage(QByteArrayView body)
{
    QStringList parts;
    const QJsonArray entries = errorEntries(body);
    for (const QJsonValue &entry : entries) {
        const QString text = entryText(entry.toObject());
        if (!text.isEmpty())
            parts.append(text);
    }
    return sanitise(parts.join(u"; "_s));
}

QString registryErrorCode(QByteArrayView body)
{
    const QJsonArray entries = errorEntries(body);
    for (const QJsonValue &entry : entries) {
        const QString code = entry.toObject().value("code"_L1).toString();
        if (!code.isEmpty())
            return sanitise(code);
    }
    return {};
}

Error httpError(int status, QByteArrayView body)
{
    QString message = registryErrorMessage(body);
    if (message.isEmpty())
        message = QString(u"HTTP %1 "_s.arg(status) + reasonPhrase(status)).trimmed();
    return Error(codeForStatus(status), message, status);
}

// Here rather than in registryclient.cpp: it maps a body the way httpError() does, and the
// parser-only builds (tests/fuzz) link this file without the client and its scheduler.
Error errorFromResponse(const Response &response, const QString &what)
{
    Error error;
    if (response.error.isError()) {
        error = response.error;
    } else if (response.status == 0) {
        error = Error(ErrorCode::Network, u"no response from the registry"_s);
    } else if (response.status >= 400) {
        error = httpError(response.status, response.body);
    } else if (response.status < 200 || response.status >= 300) {
        error = Error(ErrorCode::Http, u"unexpected HTTP status %1"_s.arg(response.status),
                      response.status);
    } else {
        return {};
    }
    if (error.httpStatus == 0)
        error.httpStatus = response.status;
    if (!what.isEmpty())
        error.message = what + u": "_s + error.message;
    return error;
}

} // namespace Berth
