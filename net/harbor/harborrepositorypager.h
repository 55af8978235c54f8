#pragma once

#include "net/backend/pager.h"
#include "net/harbor/harborapi.h"

#include <QPointer>

namespace Berth {

//! Repositories of a Harbor server, "project/repo...", whose names start with a prefix. Harbor
//! has no catalog worth using: projects are paged (with a server-side name filter), then the
//! repositories of each project (2.x: /projects/{name}/repositories, 1.x:
//! /repositories?project_id=). A prefix "project/..." lists that project only. One fetchNext()
//! hands out one server page of repositories; projects without a match are skipped.
class HarborRepositoryPager final : public Pager
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HarborRepositoryPager)
public:
    HarborRepositoryPager(HarborApi *api, const QString &prefix, QObject *parent = nullptr);
    ~HarborRepositoryPager() override;

    void fetchNext() override;
    bool hasMore() const override;
    bool isFetching() const override { return m_fetching; }
    qint64 totalCount() const override { return m_total; }
    void cancel() override;
    void setPageSize(int n) override;

private:
    void step();
    void fetchProjects();
    void fetchRepositories();
    void fail(const Error &error);
    void deliver(const QStringList &names);

    QPointer<HarborApi> m_api;
    QString m_prefix;
    QString m_onlyProject; //!< set when the prefix names a project ("p/...")
    // Harbor's maximum; listings are small objects, so fewer round trips win.
    int m_pageSize = HarborApi::MaxPageSize;
    quint64 m_generation = 0;

    QList<HarborProject> m_projects; //!< projects still to list
    int m_projectPage = 1;
    bool m_moreProjects = true;
    int m_repositoryPage = 1; //!< of m_projects.first()
    bool m_projectResolved = false;
    qint64 m_total = -1;
    qint64 m_handedOut = 0;
    int m_emptySteps = 0;
    bool m_done = false;
    bool m_fetching = false;
};

} // namespace Berth
