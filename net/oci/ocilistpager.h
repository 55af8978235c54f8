#pragma once

#include "net/backend/pager.h"
#include "net/oci/registryclient.h"

#include <QPointer>
#include <QUrl>

namespace Berth {

//! The shared paging logic of OCI listings (tags/list, _catalog). Follows the server's Link;
//! when a server ignores `n` and sends the whole list, keeps it in memory and hands out
//! pageSize names per fetchNext() from the event loop. Subclasses say which listing to ask for
//! and may filter each server page.
class OciListPager : public Pager
{
    Q_OBJECT
public:
    OciListPager(RegistryClient *client, QObject *parent = nullptr);
    ~OciListPager() override;

    void fetchNext() override;
    bool hasMore() const override;
    bool isFetching() const override { return m_fetching; }
    qint64 totalCount() const override { return m_total; }
    void cancel() override;
    void setPageSize(int n) override;
    bool holdsWholeList() const override;
    QStringList takeRemaining() override;
    int pageSize() const { return m_pageSize; }

protected:
    //! Asks the client for the page at next (empty = the first page).
    virtual ResultJob<NamesPage> *requestPage(const QUrl &next, Priority priority) = 0;
    //! Drops names that do not belong; sets stop when no later page can match.
    virtual void filterPage(QStringList &names, bool &stop)
    {
        Q_UNUSED(names)
        Q_UNUSED(stop)
    }

    RegistryClient *client() const { return m_client; }

private:
    void requestNext();
    void onPage(quint64 generation, const Result<NamesPage> &result);
    void handOut();

    QPointer<RegistryClient> m_client;
    // A person looks at the first rows; 100 is a few screens of a table and what Distribution's
    // own docs use. Models set their own.
    int m_pageSize = 100;
    QStringList m_buffer; //!< names received but not yet handed out
    QUrl m_next;          //!< the server's next page; empty at the end
    QUrl m_requested;     //!< the URL of the request in flight (empty = first page)
    QString m_lastReceived;
    qint64 m_handedOut = 0;
    qint64 m_total = -1;
    quint64 m_generation = 0;
    int m_emptyPagesInARow = 0;
    int m_serverPages = 0; //!< responses received since the start
    bool m_started = false;
    bool m_fetching = false;
};

} // namespace Berth
