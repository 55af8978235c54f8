#pragma once

#include "net/core/job.h"

#include <QPointer>
#include <QString>

namespace Berth {

class RegistryClient;

//! Removes one tag from a plain registry while the image and its other tags stay.
//! Distribution can only delete a manifest (and with it every tag of it), so the tag is first
//! moved onto a tiny manifest of its own (unique by a nonce), which is then deleted by digest:
//!   1. HEAD the tag (it must exist),
//!   2. make sure the empty blob "{}" is in the repository (upload it when missing),
//!   3. PUT the placeholder manifest under the tag,
//!   4. DELETE the placeholder by its digest.
class UntagJob final : public ResultJob<void>
{
    Q_DISABLE_COPY_MOVE(UntagJob)
public:
    UntagJob(RegistryClient *client, const QString &repository, const QString &tag,
             QObject *parent);

private:
    void checkTag();
    void ensureEmptyBlob();
    void uploadEmptyBlob();
    void putPlaceholder();
    void deletePlaceholder(const QString &digest);

    QPointer<RegistryClient> m_client;
    QString m_repository;
    QString m_tag;
};

} // namespace Berth
