#include "net/core/digest.h"

#include <QCryptographicHash>

using namespace Qt::StringLiterals;

namespace Berth::Digest {

namespace {

bool isLowerHex(QStringView text)
{
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if (!((u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f')))
            return false;
    }
    return true;
}

bool isAlgorithmComponentChar(char16_t u)
{
    return (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9');
}

bool isAlgorithmSeparator(char16_t u)
{
    return u == u'+' || u == u'.' || u == u'_' || u == u'-';
}

// algorithm := algorithm-component (algorithm-separator algorithm-component)*
bool isValidAlgorithm(QStringView algorithm)
{
    if (algorithm.isEmpty())
        return false;
    bool previousWasSeparator = true; // a leading separator is as wrong as a doubled one
    for (QChar c : algorithm) {
        const char16_t u = c.unicode();
        if (isAlgorithmComponentChar(u)) {
            previousWasSeparator = false;
        } else if (isAlgorithmSeparator(u) && !previousWasSeparator) {
            previousWasSeparator = true;
        } else {
            return false;
        }
    }
    return !previousWasSeparator;
}

// The encoded length a verifiable algorithm needs, 0 for algorithms Berth cannot verify.
qsizetype encodedLength(QStringView algorithm)
{
    if (algorithm == u"sha256")
        return 64;
    if (algorithm == u"sha512")
        return 128;
    return 0;
}

QString hashOf(QByteArrayView data, QCryptographicHash::Algorithm algorithm, QStringView prefix)
{
    const QByteArray hex = QCryptographicHash::hash(data, algorithm).toHex();
    return prefix + u':' + QString::fromLatin1(hex);
}

} // namespace

QString sha256(QByteArrayView data)
{
    return hashOf(data, QCryptographicHash::Sha256, u"sha256");
}

QString sha512(QByteArrayView data)
{
    return hashOf(data, QCryptographicHash::Sha512, u"sha512");
}

bool isValid(QStringView digest)
{
    const qsizetype colon = digest.indexOf(u':');
    if (colon <= 0)
        return false;
    const QStringView algorithm = digest.left(colon);
    const QStringView encoded = digest.mid(colon + 1);
    if (!isValidAlgorithm(algorithm))
        return false;
    const qsizetype length = encodedLength(algorithm);
    return length > 0 && encoded.size() == length && isLowerHex(encoded);
}

bool matches(QByteArrayView data, QStringView digest)
{
    if (!isValid(digest))
        return false;
    if (digest.startsWith(u"sha256:"))
        return sha256(data) == digest;
    return sha512(data) == digest;
}

QString shortForm(QStringView digest, int length)
{
    const qsizetype colon = digest.indexOf(u':');
    const QStringView encoded = colon >= 0 ? digest.mid(colon + 1) : digest;
    return encoded.left(qMax(0, length)).toString();
}

} // namespace Berth::Digest
