#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace Berth::HeaderTokens {

//! A cursor over an HTTP header value with the RFC 9110 token / quoted-string rules that
//! WWW-Authenticate and Link share. Internal to net/.
class Cursor
{
public:
    explicit Cursor(QByteArrayView text)
        : m_text(text)
    {}

    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text.at(m_pos); }
    qsizetype position() const { return m_pos; }
    void rewind(qsizetype position) { m_pos = position; }
    void advance() { ++m_pos; }
    bool consume(char c);

    void skipSpaces(); //!< OWS / BWS: spaces and tabs
    void skipSpacesAndCommas();
    //! Skips to the next ',' that is not inside a quoted string or <...>; used to drop junk.
    void skipToNextComma();

    QByteArray readToken(); //!< 1*tchar, empty when none
    //! A quoted-string (unescaped) or an unquoted value up to whitespace, ',' or ';' (a token,
    //! leniently); nullopt when neither, or the quote is unterminated.
    std::optional<QByteArray> readValue();
    std::optional<QByteArray> readQuotedString();
    //! Reads while the predicate holds.
    template<typename Pred>
    QByteArrayView readWhile(Pred pred)
    {
        const qsizetype start = m_pos;
        while (!atEnd() && pred(peek()))
            ++m_pos;
        return m_text.sliced(start, m_pos - start);
    }

    static bool isTokenChar(char c);

private:
    QByteArrayView m_text;
    qsizetype m_pos = 0;
};

} // namespace Berth::HeaderTokens
