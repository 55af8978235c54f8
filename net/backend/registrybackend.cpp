#include "net/backend/registrybackend.h"

using namespace Qt::StringLiterals;

namespace Berth {

ResultJob<TagExtras> *RegistryBackend::fetchTagExtras(const QString &repository, const QString &tag,
                                                      Priority priority)
{
    Q_UNUSED(repository)
    Q_UNUSED(priority)
    return failedJob<TagExtras>(Error(ErrorCode::Unsupported,
                                      u"this registry keeps no extra data for tag %1"_s.arg(tag)),
                                this);
}

ResultJob<ImageMetadata> *RegistryBackend::fetchMetadataFrom(const QString &repository,
                                                             const QString &reference,
                                                             Priority priority,
                                                             const MetadataSources &sources)
{
    Q_UNUSED(sources)
    return fetchMetadata(repository, reference, priority);
}

ResultJob<StreamedBlob> *RegistryBackend::streamBlob(const QString &repository,
                                                     const QString &digest, BodySink *sink,
                                                     Priority priority, qint64 firstByte,
                                                     qint64 lastByte)
{
    Q_UNUSED(sink)
    Q_UNUSED(priority)
    Q_UNUSED(firstByte)
    Q_UNUSED(lastByte)
    return failedJob<StreamedBlob>(
            Error(ErrorCode::Unsupported,
                  u"%1 cannot read blob %2 of %3"_s.arg(registryHost(), digest, repository)),
            this);
}

ResultJob<QList<UntaggedImage>> *RegistryBackend::untaggedImages(const QString &repository,
                                                                 const QString &digest)
{
    Q_UNUSED(digest)
    return failedJob<QList<UntaggedImage>>(
            Error(ErrorCode::Unsupported,
                  u"%1 cannot list the untagged images of %2 (only Harbor 2.x can)"_s.arg(
                          registryHost(), repository)),
            this);
}

} // namespace Berth
