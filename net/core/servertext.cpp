#include "net/core/servertext.h"

#include "net/core/digest.h"
#include "net/core/imagereference.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth::ServerText {

namespace {

// Every character made visible is in the BMP: UTF-16 units can be looked at one by one.
bool isBidiControl(char16_t c)
{
    return c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
           || (c >= 0x2066 && c <= 0x2069);
}

bool isInvisible(char16_t c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || isBidiControl(c);
}

} // namespace

bool hasInvisible(QStringView text)
{
    return std::any_of(text.cbegin(), text.cend(),
                       [](QChar c) { return isInvisible(c.unicode()); });
}

QString visible(QStringView text)
{
    if (!hasInvisible(text))
        return text.toString();
    QString out;
    out.reserve(text.size() + 8);
    for (const QChar qc : text) {
        const char16_t c = qc.unicode();
        if (!isInvisible(c)) {
            out += qc;
        } else if (c == u'\r') {
            out += u"\\r"_s;
        } else if (c == u'\n') {
            out += u"\\n"_s;
        } else if (c == u'\t') {
            out += u"\\t"_s;
        } else if (c < 0x80) {
            out += u"\\x"_s + QString::number(uint(c), 16).rightJustified(2, u'0');
        } else {
            out += u"\\u{"_s + QString::number(uint(c), 16) + u'}';
        }
    }
    return out;
}

Error checkRepository(QStringView repository)
{
    if (ImageReference::isValidRepositoryPath(repository))
        return {};
    return Error(ErrorCode::InvalidInput,
                 u"\"%1\" is not a valid repository name: refused, nothing was sent"_s.arg(
                         visible(repository)));
}

Error checkReference(QStringView reference)
{
    if (ImageReference::isValidTag(reference) || Digest::isValid(reference))
        return {};
    return Error(
            ErrorCode::InvalidInput,
            u"\"%1\" is not a valid tag name: refused, nothing was sent"_s.arg(visible(reference)));
}

Error checkNames(QStringView repository, QStringView reference)
{
    if (Error error = checkRepository(repository); error.isError())
        return error;
    return checkReference(reference);
}

} // namespace Berth::ServerText
