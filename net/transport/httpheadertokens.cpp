#include "net/transport/httpheadertokens.h"

#include <QByteArrayView>

namespace Berth::HeaderTokens {

bool Cursor::consume(char c)
{
    if (peek() != c || atEnd())
        return false;
    ++m_pos;
    return true;
}

void Cursor::skipSpaces()
{
    readWhile([](char c) { return c == ' ' || c == '\t'; });
}

void Cursor::skipSpacesAndCommas()
{
    readWhile([](char c) { return c == ' ' || c == '\t' || c == ','; });
}

void Cursor::skipToNextComma()
{
    bool inQuotes = false;
    bool inAngles = false;
    while (!atEnd()) {
        const char c = peek();
        if (inQuotes && c == '\\') {
            m_pos += 2;
            continue;
        }
        if (c == '"' && !inAngles)
            inQuotes = !inQuotes;
        else if (c == '<' && !inQuotes)
            inAngles = true;
        else if (c == '>' && !inQuotes)
            inAngles = false;
        else if (c == ',' && !inQuotes && !inAngles)
            return;
        ++m_pos;
    }
    m_pos = qMin(m_pos, m_text.size());
}

bool Cursor::isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

QByteArray Cursor::readToken()
{
    return readWhile(&Cursor::isTokenChar).toByteArray();
}

std::optional<QByteArray> Cursor::readQuotedString()
{
    const qsizetype start = m_pos;
    if (!consume('"'))
        return std::nullopt;
    QByteArray value;
    while (!atEnd()) {
        char c = peek();
        ++m_pos;
        if (c == '"')
            return value;
        if (c == '\\') {
            if (atEnd())
                break;
            c = peek();
            ++m_pos;
        }
        value.append(c);
    }
    m_pos = start;
    return std::nullopt;
}

std::optional<QByteArray> Cursor::readValue()
{
    if (peek() == '"')
        return readQuotedString();
    // Lenient: servers send unquoted URLs (realm=https://a/t) although ':' and '/' are not tchar.
    QByteArray token = readWhile([](char c) {
                           return static_cast<unsigned char>(c) > ' ' && c != ',' && c != ';'
                                  && c != '"' && c != 0x7f;
                       }).toByteArray();
    if (token.isEmpty())
        return std::nullopt;
    return token;
}

} // namespace Berth::HeaderTokens
