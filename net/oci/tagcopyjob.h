#pragma once

#include "net/core/job.h"
#include "net/formats/manifest.h"

#include <QPointer>
#include <QString>

namespace Berth {

class RegistryClient;

//! Tags a manifest under a new name, in the same repository or another one of the registry:
//!   1. GET the source manifest (its exact bytes: any re-serialisation would change the digest),
//!   2. into another repository, make its blobs and child manifests present there first
//!      (ContentCopyJob: mount, else copy),
//!   3. PUT the bytes under the new tag,
//!   4. check that the registry stored the same digest.
//! The result is the digest.
class TagCopyJob final : public ResultJob<QString>
{
    Q_DISABLE_COPY_MOVE(TagCopyJob)
public:
    TagCopyJob(RegistryClient *client, const QString &sourceRepository,
               const QString &sourceReference, const QString &targetRepository,
               const QString &newTag, QObject *parent);

private:
    void onSource(const Result<FetchedManifest> &source);
    void copyContent();
    void put();
    void onStored(const Result<QString> &stored);

    QPointer<RegistryClient> m_client;
    QString m_sourceRepository;
    QString m_targetRepository;
    QString m_newTag;
    FetchedManifest m_source;
};

} // namespace Berth
