// ServerText over arbitrary text from a "server": what visible() returns never holds a character
// a terminal would obey and never changes an already visible text; a name checkNames() lets into
// a URL never holds a path's tricks (a "." or ".." segment, '%', '?', '#', control characters).
#include "net/core/servertext.h"

#include <QStringList>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace Berth;
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString shown = ServerText::visible(text);
    if (ServerText::hasInvisible(shown) || ServerText::visible(shown) != shown)
        __builtin_trap();
    // The input as a tag, and its halves as repository and reference.
    const qsizetype half = text.size() / 2;
    for (const auto &[repository, reference] : {std::pair{QStringLiteral("team/app"), text},
                                                std::pair{text.left(half), text.mid(half)}}) {
        if (ServerText::checkNames(repository, reference).isError())
            continue;
        for (const QString &name : {repository, reference}) {
            if (name.contains(u'%') || name.contains(u'?') || name.contains(u'#')
                || name.contains(u'\\') || ServerText::hasInvisible(name) || name.startsWith(u'/'))
                __builtin_trap();
            for (const QString &segment : name.split(u'/')) {
                if (segment.isEmpty() || segment == u"." || segment == u"..")
                    __builtin_trap();
            }
        }
        if (reference.contains(u'/'))
            __builtin_trap();
    }
    return 0;
}
