#include "net/harbor/harborrepositorypager.h"

#include <QMetaObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {
// A server that keeps answering "more" with nothing useful (broken paging) is stopped after
// this many requests without a row instead of looping; real gaps (projects without a matching
// repository) are far shorter.
constexpr int MaxEmptySteps = 200;
} // namespace

HarborRepositoryPager::HarborRepositoryPager(HarborApi *api, const QString &prefix, QObject *parent)
    : Pager(parent)
    , m_api(api)
    , m_prefix(prefix)
{
    const qsizetype slash = prefix.indexOf(u'/');
    if (slash > 0)
        m_onlyProject = prefix.left(slash);
}

HarborRepositoryPager::~HarborRepositoryPager()
{
    cancelJobs();
}

bool HarborRepositoryPager::hasMore() const
{
    return !m_done;
}

void HarborRepositoryPager::setPageSize(int n)
{
    m_pageSize = std::clamp(n, 1, int(HarborApi::MaxPageSize));
}

void HarborRepositoryPager::cancel()
{
    ++m_generation;
    cancelJobs();
    m_fetching = false;
}

void HarborRepositoryPager::fetchNext()
{
    if (m_fetching || m_done || !m_api)
        return;
    m_fetching = true;
    m_emptySteps = 0;
    step();
}

void HarborRepositoryPager::step()
{
    if (++m_emptySteps > MaxEmptySteps) {
        m_done = true;
        deliver({});
        return;
    }
    if (!m_onlyProject.isEmpty() && !m_projectResolved) {
        fetchProjects();
        return;
    }
    if (!m_projects.isEmpty()) {
        fetchRepositories();
        return;
    }
    if (m_moreProjects && m_onlyProject.isEmpty()) {
        fetchProjects();
        return;
    }
    m_done = true;
    m_total = m_handedOut;
    deliver({});
}

void HarborRepositoryPager::fetchProjects()
{
    const quint64 generation = m_generation;
    const bool v2 = m_api->generation() == HarborGeneration::V2;
    QueryItems query;
    const QString path = u"/projects"_s;
    {
        query = {{u"page"_s, QString::number(m_projectPage)},
                 {u"page_size"_s, QString::number(HarborApi::MaxPageSize)}};
        const QString name = m_onlyProject.isEmpty() ? m_prefix : m_onlyProject;
        if (!name.isEmpty()) {
            // 2.x: fuzzy match in q; 1.x: the name parameter (also a fuzzy match).
            if (v2)
                query.append({u"q"_s, (m_onlyProject.isEmpty() ? u"name=~"_s : u"name="_s) + name});
            else
                query.append({u"name"_s, name});
        }
        if (v2)
            query.append({u"sort"_s, u"name"_s});
    }
    track(m_api->getPage(path, query, u"Listing Harbor projects"_s, Priority::Interactive))
            ->onFinished(this, [this, generation](Result<HarborPage> page) {
                if (generation != m_generation)
                    return;
                if (!page.ok()) {
                    if (!m_onlyProject.isEmpty() && page.error().code == ErrorCode::NotFound) {
                        // No such project: nothing matches the prefix.
                        m_projectResolved = true;
                        m_moreProjects = false;
                        step();
                        return;
                    }
                    fail(page.error());
                    return;
                }
                Result<QList<HarborProject>> projects = parseHarborProjects(page->body);
                if (!projects.ok()) {
                    Error error = projects.error();
                    error.message = u"Listing Harbor projects: "_s + error.message;
                    fail(error);
                    return;
                }
                for (const HarborProject &project : *projects) {
                    const bool match = m_onlyProject.isEmpty() ? project.name.startsWith(m_prefix)
                                                               : project.name == m_onlyProject;
                    if (match)
                        m_projects.append(project);
                }
                if (!m_onlyProject.isEmpty()) {
                    m_projectResolved = true;
                    m_moreProjects = false;
                    if (m_projects.size() > 1)
                        m_projects.resize(1);
                } else {
                    ++m_projectPage;
                    m_moreProjects
                            = page->hasNext
                              || (page->total >= 0
                                  && qint64(m_projectPage - 1) * HarborApi::MaxPageSize
                                             < page->total)
                              || (page->total < 0 && projects->size() == HarborApi::MaxPageSize);
                }
                step();
            });
}

void HarborRepositoryPager::fetchRepositories()
{
    const quint64 generation = m_generation;
    const HarborProject project = m_projects.constFirst();
    const bool v2 = m_api->generation() == HarborGeneration::V2;
    QueryItems query{{u"page"_s, QString::number(m_repositoryPage)},
                     {u"page_size"_s, QString::number(m_pageSize)}};
    QString path;
    const QString rest
            = m_onlyProject.isEmpty() ? QString() : m_prefix.mid(m_onlyProject.size() + 1);
    if (v2) {
        path = u"/projects/%1/repositories"_s.arg(project.name);
        if (!rest.isEmpty())
            query.append({u"q"_s, u"name=~"_s + m_prefix});
        query.append({u"sort"_s, u"name"_s});
    } else {
        path = u"/repositories"_s;
        query.prepend({u"project_id"_s, QString::number(project.id)});
        if (!rest.isEmpty())
            query.append({u"q"_s, rest});
        query.append({u"sort"_s, u"name"_s});
    }
    const QString what = u"Listing repositories of Harbor project %1"_s.arg(project.name);
    track(m_api->getPage(path, query, what, Priority::Interactive))
            ->onFinished(this, [this, generation, what, rest](Result<HarborPage> page) {
                if (generation != m_generation)
                    return;
                if (!page.ok()) {
                    fail(page.error());
                    return;
                }
                Result<QList<HarborRepository>> repositories = parseHarborRepositories(page->body);
                if (!repositories.ok()) {
                    Error error = repositories.error();
                    error.message = what + u": "_s + error.message;
                    fail(error);
                    return;
                }
                if (!m_onlyProject.isEmpty() && rest.isEmpty())
                    m_total = page->total;
                const bool more = page->hasNext
                                  || (page->total >= 0
                                      && qint64(m_repositoryPage) * m_pageSize < page->total)
                                  || (page->total < 0 && repositories->size() == m_pageSize);
                QStringList names;
                for (const HarborRepository &repository : *repositories) {
                    if (repository.name.startsWith(m_prefix))
                        names.append(repository.name);
                }
                if (more && !repositories->isEmpty()) {
                    ++m_repositoryPage;
                } else {
                    m_projects.removeFirst();
                    m_repositoryPage = 1;
                }
                if (names.isEmpty()) {
                    step();
                    return;
                }
                if (m_projects.isEmpty() && (!m_moreProjects || !m_onlyProject.isEmpty())) {
                    m_done = true;
                    m_total = m_handedOut + names.size();
                }
                deliver(names);
            });
}

void HarborRepositoryPager::fail(const Error &error)
{
    m_fetching = false;
    Q_EMIT failed(error);
}

void HarborRepositoryPager::deliver(const QStringList &names)
{
    // Never synchronously (step() may finish without a request): the caller is not ready yet.
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
            this,
            [this, generation, names] {
                if (generation != m_generation)
                    return;
                m_handedOut += names.size();
                m_fetching = false;
                Q_EMIT pageReady(names);
            },
            Qt::QueuedConnection);
}

} // namespace Berth
