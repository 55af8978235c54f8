// nextLink over arbitrary Link header values, resolved against a request URL.
#include "net/transport/linkheader.h"

#include <QUrl>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QUrl base(QStringLiteral("https://registry.example:5000/v2/app/tags/list?n=100"));
    const QUrl next = Berth::nextLink(
            QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)), base);
    (void)next.toString();
    return 0;
}
