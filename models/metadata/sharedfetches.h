#pragma once

#include "net/core/job.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <algorithm>
#include <functional>

namespace Berth {

//! Callers that ask for the same thing at once share one fetch: the deduplication of the
//! metadata service (per digest, per tag's extras). Each caller gets a job of its own to cancel
//! and re-prioritise; the shared fetch runs at the highest priority of its callers and is
//! cancelled only when the last of them cancels. Nothing is kept after a fetch ends (caching is
//! the service's business).
template<typename T>
class SharedFetches
{
public:
    //! Starts the shared fetch for a key at a priority.
    using Start = std::function<ResultJob<T> *(Priority priority)>;

    //! context: where the fetches' ends are handled (the service owning this); jobs handed out
    //! are its children.
    explicit SharedFetches(QObject *context)
        : m_context(context)
    {}
    ~SharedFetches()
    {
        for (Entry &entry : m_entries) {
            // The waiters are the context's children and outlive this (members go first): one
            // cancelled or re-prioritised afterwards must not come back here.
            for (const QPointer<Waiter> &waiter : std::as_const(entry.waiters)) {
                if (waiter)
                    waiter->detach();
            }
            if (entry.fetch)
                entry.fetch->cancel();
        }
    }
    Q_DISABLE_COPY_MOVE(SharedFetches)

    //! A job that ends with the fetch for key: the one running, or a new one from start().
    ResultJob<T> *join(const QString &key, Priority priority, const Start &start)
    {
        auto *waiter = new Waiter(this, key, priority, m_context);
        auto it = m_entries.find(key);
        if (it == m_entries.end() || !it->fetch || it->fetch->isFinished()) {
            ResultJob<T> *fetch = start(priority);
            it = m_entries.insert(key, Entry{fetch, {}});
            // Connected before any waiter follows: the entry is gone when they hear the end.
            QObject::connect(fetch, &Job::finished, m_context,
                             [this, key, fetch] { forget(key, fetch); });
        }
        it->waiters.append(waiter);
        waiter->follow(it->fetch);
        updatePriority(*it);
        return waiter;
    }

    //! Fetches running now (tests, status lines).
    qsizetype size() const { return m_entries.size(); }

private:
    class Waiter final : public ResultJob<T>
    {
    public:
        Waiter(SharedFetches *owner, const QString &key, Priority priority, QObject *parent)
            : ResultJob<T>(priority, parent)
            , m_owner(owner)
            , m_key(key)
        {}
        //! Ends with fetch's result (a fetch that is destroyed unfinished ends it Cancelled).
        void follow(ResultJob<T> *fetch)
        {
            this->followJob(fetch, [this](const Result<T> &result) { this->finish(result); });
        }
        void detach() { m_owner = nullptr; }

    protected:
        void onCancel() override
        {
            if (m_owner)
                m_owner->leave(m_key, this);
        }
        void onPriorityChanged(Priority) override
        {
            if (m_owner)
                m_owner->priorityChanged(m_key);
        }

    private:
        SharedFetches *m_owner;
        QString m_key;
    };
    struct Entry
    {
        QPointer<ResultJob<T>> fetch;
        QList<QPointer<Waiter>> waiters;
    };

    void forget(const QString &key, ResultJob<T> *fetch)
    {
        const auto it = m_entries.find(key);
        if (it != m_entries.end() && it->fetch == fetch)
            m_entries.erase(it); // else a fetch everyone left (a newer one may run under the key)
    }
    void leave(const QString &key, Waiter *waiter)
    {
        const auto it = m_entries.find(key);
        if (it == m_entries.end())
            return;
        it->waiters.removeAll(waiter);
        it->waiters.removeAll(nullptr);
        if (!it->waiters.isEmpty()) {
            updatePriority(*it);
            return;
        }
        const QPointer<ResultJob<T>> fetch = it->fetch;
        m_entries.erase(it);
        if (fetch)
            fetch->cancel();
    }
    void priorityChanged(const QString &key)
    {
        const auto it = m_entries.find(key);
        if (it != m_entries.end())
            updatePriority(*it);
    }
    //! A shared fetch runs at the highest priority of its waiters, also when that drops.
    static void updatePriority(const Entry &entry)
    {
        Priority highest = Priority::Background;
        for (const QPointer<Waiter> &waiter : std::as_const(entry.waiters)) {
            if (waiter && !waiter->isFinished())
                highest = std::max(highest, waiter->priority());
        }
        if (entry.fetch)
            entry.fetch->setPriority(highest);
    }

    QObject *m_context;
    QHash<QString, Entry> m_entries;
};

} // namespace Berth
