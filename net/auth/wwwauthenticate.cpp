#include "net/auth/wwwauthenticate.h"

#include "net/transport/httpheadertokens.h"

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

using HeaderTokens::Cursor;

bool isToken68Char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
           || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

// token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" and nothing after it
// but the end or a comma; otherwise it was the start of an auth-param and the cursor is rewound.
// The value is stored under the empty key, which no auth-param name can have.
bool readToken68(Cursor &cursor, AuthChallenge &challenge)
{
    const qsizetype start = cursor.position();
    QByteArray value = cursor.readWhile(isToken68Char).toByteArray();
    value += cursor.readWhile([](char c) { return c == '='; });
    cursor.skipSpaces();
    if (value.isEmpty() || value.startsWith('=') || !(cursor.atEnd() || cursor.peek() == ',')) {
        cursor.rewind(start);
        return false;
    }
    challenge.params.insert(QString(), QString::fromUtf8(value));
    return true;
}

// One auth-param; false when the next item is not a param (the next challenge's scheme).
bool readParam(Cursor &cursor, AuthChallenge &challenge)
{
    const qsizetype start = cursor.position();
    const QByteArray name = cursor.readToken();
    if (name.isEmpty()) {
        cursor.skipToNextComma();
        return true;
    }
    cursor.skipSpaces();
    if (!cursor.consume('=')) {
        cursor.rewind(start);
        return false;
    }
    cursor.skipSpaces();
    const std::optional<QByteArray> value = cursor.readValue();
    cursor.skipSpaces();
    if (!value || !(cursor.atEnd() || cursor.peek() == ',')) {
        cursor.skipToNextComma();
        return true;
    }
    const QString key = QString::fromLatin1(name).toLower();
    if (!challenge.params.contains(key)) // RFC 7235: each name at most once; keep the first
        challenge.params.insert(key, QString::fromUtf8(*value));
    return true;
}

void readParams(Cursor &cursor, AuthChallenge &challenge)
{
    cursor.skipSpaces();
    if (cursor.atEnd() || cursor.peek() == ',' || readToken68(cursor, challenge))
        return;
    while (true) {
        cursor.skipSpacesAndCommas();
        if (cursor.atEnd() || !readParam(cursor, challenge))
            return;
    }
}

} // namespace

QList<AuthChallenge> parseWwwAuthenticate(QByteArrayView headerValue)
{
    QList<AuthChallenge> challenges;
    Cursor cursor(headerValue);
    while (true) {
        cursor.skipSpacesAndCommas();
        if (cursor.atEnd())
            break;
        const QByteArray scheme = cursor.readToken();
        const char next = cursor.peek();
        if (scheme.isEmpty() || !(cursor.atEnd() || next == ' ' || next == '\t' || next == ',')) {
            cursor.skipToNextComma();
            continue;
        }
        AuthChallenge challenge;
        challenge.scheme = QString::fromLatin1(scheme).toLower();
        readParams(cursor, challenge);
        challenges.append(challenge);
    }
    return challenges;
}

} // namespace Berth
