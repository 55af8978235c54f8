#include "net/formats/mediatypes.h"

#include <QByteArray>
#include <QByteArrayList>

namespace Berth::MediaType {

QByteArray manifestAcceptHeader()
{
    // Preferred types first; schema1 last and with a lower weight so a registry that can serve
    // both never picks the legacy form (a registry that only has schema1 still answers).
    const QByteArrayList types{
            QByteArray(OciIndex.data(), OciIndex.size()),
            QByteArray(OciManifest.data(), OciManifest.size()),
            QByteArray(DockerManifestList.data(), DockerManifestList.size()),
            QByteArray(DockerManifest.data(), DockerManifest.size()),
            QByteArray(DockerSchema1Signed.data(), DockerSchema1Signed.size()) + ";q=0.5",
            QByteArray(DockerSchema1.data(), DockerSchema1.size()) + ";q=0.4",
    };
    return types.join(", ");
}

} // namespace Berth::MediaType
