#pragma once

#include "net/oci/ocilistpager.h"

namespace Berth {

//! Repositories from /v2/_catalog whose names start with a prefix. The catalog is sorted, so
//! the first request starts near the prefix (`last`), pages without a match are skipped
//! without a signal, and paging stops once names sort past the prefix.
class OciRepositoryPager final : public OciListPager
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OciRepositoryPager)
public:
    OciRepositoryPager(RegistryClient *client, const QString &prefix, QObject *parent = nullptr);

protected:
    ResultJob<NamesPage> *requestPage(const QUrl &next, Priority priority) override;
    void filterPage(QStringList &names, bool &stop) override;

private:
    QString m_prefix;
};

} // namespace Berth
