#pragma once

#include "models/report/tagextras.h"

#include "net/formats/harbortaginfo.h"
#include "net/transport/requestscheduler.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace Berth {

class RegistryBackend;

//! The report's TagExtrasProvider over a RegistryBackend with tag extras (Harbor): the columns
//! pushed, pulled, labels and vulnerabilities.
//!
//! Whole repository: createTagPager() lists through the backend's server-sorted pager (Harbor
//! 2.x's artifact listing, TagQuery by push time), which hands out every tag's extras with its
//! page (Pager::extrasReady), so a listed tag costs no request of its own. Those extras are
//! kept (compact TagExtras, one per listed tag) until the job asks for them, then dropped.
//! Explicit selections, tags a page did not cover and Harbor 1.x (whose only listing with
//! extras, GET /api/repositories/{repo}/tags, walks every tag at once and is never used) fall
//! back to RegistryBackend::fetchTagExtras(), one call per tag at Background priority.
class BackendExtrasProvider final : public QObject, public TagExtrasProvider
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BackendExtrasProvider)
public:
    //! backend must have tag extras (RegistryBackend::hasTagExtras()); not owned.
    explicit BackendExtrasProvider(RegistryBackend *backend, QObject *parent = nullptr);
    ~BackendExtrasProvider() override;

    void fetchTagExtras(const QString &repository, const QString &tag, QObject *context,
                        Callback done) override;
    Pager *createTagPager(const QString &repository, QObject *parent) override;
    void reset() override;

    //! Harbor's facts as report columns. pulled stays invalid for "never" (Harbor's Go zero
    //! time, already invalid in HarborTagExtras); vulnerabilities only for a finished scan.
    static TagExtras fromHarbor(const HarborTagExtras &extras);

    //! Answers served from listing pages / fetched one by one (tests check the cost).
    qint64 listedHits() const { return m_listedHits; }
    qint64 tagFetches() const { return m_tagFetches; }

private:
    void onListedExtras(const QString &repository, const QHash<QString, HarborTagExtras> &extras);

    QPointer<RegistryBackend> m_backend;
    OwnerId m_owner;
    QString m_listedRepository;
    QHash<QString, TagExtras> m_listed; //!< tag -> extras of m_listedRepository from pages
    qint64 m_listedHits = 0;
    qint64 m_tagFetches = 0;
};

} // namespace Berth
