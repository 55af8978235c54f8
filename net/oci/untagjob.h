#pragma once

#include "net/core/job.h"

#include <QPointer>
#include <QString>

namespace Berth {

class RegistryClient;

//! Removes one tag from a plain registry while the image and its other tags stay.
//! Distribution can only delete a manifest (and with it every tag of it), so the tag is first
//! moved onto a tiny manifest of its own (unique by a nonce), which is then deleted by digest:
//!   1. GET the tag's manifest (it must exist, and be on expectedDigest when one is given: a tag
//!      that moved since the caller looked is left alone, ErrorCode::Conflict),
//!   2. DELETE a manifest that cannot exist: 404 says deletes are allowed to us (a registry
//!      without storage.delete.enabled answers 405, a token without delete 401/403), so nothing
//!      is changed where step 5 could not follow (skipped once an untag in the repository went
//!      through),
//!   3. make sure the empty blob "{}" is in the repository (upload it when missing),
//!   4. PUT the placeholder manifest under the tag,
//!   5. DELETE the placeholder by its digest; if that fails, PUT the manifest of step 1 back
//!      under the tag, so the tag is either gone or where it was.
class UntagJob final : public ResultJob<void>
{
    Q_DISABLE_COPY_MOVE(UntagJob)
public:
    //! deletesKnownAllowed: an earlier untag in this repository went through; step 2 is skipped.
    UntagJob(RegistryClient *client, const QString &repository, const QString &tag,
             const QString &expectedDigest, bool deletesKnownAllowed, QObject *parent);

protected:
    //! Cancelled while the tag may point at the placeholder: the tag is put back on its
    //! manifest by a request that outlives this job, so a cancel never leaves it moved.
    void onCancel() override;

private:
    void fetchTag();
    void checkDeletesAllowed();
    void ensureEmptyBlob();
    void uploadEmptyBlob();
    void putPlaceholder();
    void deletePlaceholder(const QString &digest);
    void restoreTag(const Error &cause);

    QPointer<RegistryClient> m_client;
    QString m_repository;
    QString m_tag;
    QString m_expectedDigest;
    bool m_deletesKnownAllowed;
    QByteArray m_original; //!< the tag's manifest bytes before the untag
    QString m_originalMediaType;
    //! From the placeholder's PUT until the job ends: the tag may be on the placeholder.
    bool m_tagMayBeMoved = false;
};

} // namespace Berth
