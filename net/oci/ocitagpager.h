#pragma once

#include "net/oci/ocilistpager.h"

namespace Berth {

//! Tags of one repository from /v2/<repo>/tags/list. Distribution 2.8 ignores n and sends all
//! tags at once; they are parsed off the GUI thread and handed out a page at a time.
class OciTagPager final : public OciListPager
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OciTagPager)
public:
    OciTagPager(RegistryClient *client, const QString &repository, QObject *parent = nullptr);

protected:
    ResultJob<NamesPage> *requestPage(const QUrl &next, Priority priority) override;

private:
    QString m_repository;
};

} // namespace Berth
