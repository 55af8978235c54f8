// parseManifest over arbitrary bytes, with each content type Berth sends in Accept (the body's
// own mediaType wins when present; the header decides otherwise), then classifying the result.
#include "net/formats/manifest.h"
#include "net/formats/mediatypes.h"

#include <QByteArray>
#include <QString>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    // The first byte picks the Content-Type, the rest is the body.
    static const QString types[] = {
            QString(),
            QString(Berth::MediaType::DockerManifest),
            QString(Berth::MediaType::DockerManifestList),
            QString(Berth::MediaType::OciManifest),
            QString(Berth::MediaType::OciIndex),
            QString(Berth::MediaType::DockerSchema1Signed),
    };
    const QString &type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
    const QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const Berth::Result<Berth::Manifest> manifest = Berth::parseManifest(body, type);
    if (manifest.ok()) {
        // Touch what callers read.
        qint64 total = 0;
        for (const Berth::Descriptor &layer : manifest->layers)
            total += layer.size;
        for (const Berth::Descriptor &child : manifest->manifests)
            total += child.size;
        (void)total;
    }
    return 0;
}
