#include "net/transport/linkheader.h"

#include "net/transport/httpheadertokens.h"

#include <optional>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

using HeaderTokens::Cursor;

struct LinkValue
{
    QByteArray target;
    bool isNext = false;
};

// rel is a space-separated list of relation types, compared case-insensitively.
bool relationListHasNext(QByteArrayView rel)
{
    const QList<QByteArray> relations = rel.toByteArray().simplified().split(' ');
    for (const QByteArray &relation : relations) {
        if (relation.compare("next", Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// *( OWS ";" OWS link-param ) after the target; stops at the ',' ending this link-value.
void readLinkParams(Cursor &cursor, LinkValue &link)
{
    while (true) {
        cursor.skipSpaces();
        if (!cursor.consume(';'))
            break;
        cursor.skipSpaces();
        const QByteArray name = cursor.readToken();
        cursor.skipSpaces();
        if (name.isEmpty() || !cursor.consume('='))
            continue; // a parameter without a value (allowed) or junk
        cursor.skipSpaces();
        const std::optional<QByteArray> value = cursor.readValue();
        if (value && name.compare("rel", Qt::CaseInsensitive) == 0 && relationListHasNext(*value))
            link.isNext = true;
    }
    cursor.skipToNextComma();
}

// "<" URI-Reference ">" and its parameters; nullopt for junk (skipped up to the next link).
std::optional<LinkValue> readLinkValue(Cursor &cursor)
{
    if (!cursor.consume('<')) {
        cursor.skipToNextComma();
        return std::nullopt;
    }
    LinkValue link;
    link.target = cursor.readWhile([](char c) { return c != '>'; }).toByteArray().trimmed();
    if (!cursor.consume('>'))
        return std::nullopt; // unterminated: the rest of the header is unusable
    readLinkParams(cursor, link);
    return link;
}

QUrl resolveTarget(const QByteArray &target, const QUrl &requestUrl)
{
    const QUrl reference(QString::fromUtf8(target), QUrl::StrictMode);
    if (target.isEmpty() || !reference.isValid())
        return {};
    const QUrl resolved = requestUrl.resolved(reference);
    const QString scheme = resolved.scheme().toLower();
    if (!resolved.isValid() || resolved.host().isEmpty()
        || (scheme != u"http" && scheme != u"https"))
        return {};
    return resolved;
}

} // namespace

QUrl nextLink(QByteArrayView linkHeader, const QUrl &requestUrl)
{
    Cursor cursor(linkHeader);
    while (true) {
        cursor.skipSpacesAndCommas();
        if (cursor.atEnd())
            return {};
        const std::optional<LinkValue> link = readLinkValue(cursor);
        if (link && link->isNext)
            return resolveTarget(link->target, requestUrl);
    }
}

} // namespace Berth
