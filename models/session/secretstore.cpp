#include "models/session/secretstore.h"

#include "models/modelslogging.h"

#include <qt6keychain/keychain.h>

#include <QTimer>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

//! A key no connection uses: reading it tells whether a keychain answers at all.
constexpr QLatin1StringView ProbeKey{"berth-keychain-probe"};

QString keyFor(const QString &id)
{
    return u"connection/"_s + id;
}

} // namespace

SecretStore::SecretStore(QObject *parent)
    : SecretStore(Backend::Auto, parent)
{}

SecretStore::SecretStore(Backend backend, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_state(backend == Backend::Memory ? State::Memory : State::Unknown)
{}

SecretStore::~SecretStore()
{
    // Secrets leave memory with the store; QString does not wipe, but nothing keeps a copy.
    m_memory.clear();
}

QString SecretStore::serviceName()
{
    return u"Berth"_s;
}

void SecretStore::probe()
{
    if (m_state != State::Unknown)
        return;
    if (m_backend == Backend::Keychain) {
        // No fallback wanted: every operation goes to the keychain and reports its errors.
        settle(State::Keychain);
        return;
    }
    m_state = State::Probing;
    auto *job = new QKeychain::ReadPasswordJob(serviceName(), this);
    job->setKey(ProbeKey);
    startJob(job, [this](QKeychain::Job *finished, bool timedOut) {
        if (timedOut) {
            fallBackToMemory(u"the keychain did not answer within %1 ms"_s.arg(m_timeoutMs));
            return;
        }
        const QKeychain::Error error = finished->error();
        if (error == QKeychain::NoError || error == QKeychain::EntryNotFound)
            settle(State::Keychain);
        else
            fallBackToMemory(finished->errorString());
    });
}

void SecretStore::read(const QString &id, QObject *context,
                       std::function<void(Result<QString>)> done)
{
    enqueue(Pending{Op::Read, id, QString(), QPointer<QObject>(context), std::move(done)});
}

void SecretStore::write(const QString &id, const QString &secret, QObject *context,
                        std::function<void(Result<void>)> done)
{
    // Known at once, so a read right after a write sees it whatever the keychain does.
    m_memory.insert(id, secret);
    enqueue(Pending{Op::Write, id, secret, QPointer<QObject>(context),
                    [done = std::move(done)](Result<QString> result) {
                        if (done)
                            done(result.ok() ? Result<void>() : Result<void>(result.error()));
                    }});
}

void SecretStore::remove(const QString &id, QObject *context,
                         std::function<void(Result<void>)> done)
{
    m_memory.remove(id);
    enqueue(Pending{Op::Remove, id, QString(), QPointer<QObject>(context),
                    [done = std::move(done)](Result<QString> result) {
                        if (done)
                            done(result.ok() ? Result<void>() : Result<void>(result.error()));
                    }});
}

void SecretStore::enqueue(Pending pending)
{
    if (isProbing()) {
        m_waiting.append(std::move(pending));
        probe();
        return;
    }
    run(std::move(pending));
}

void SecretStore::run(Pending pending)
{
    if (m_state == State::Keychain)
        runInKeychain(std::move(pending));
    else
        runInMemory(pending);
}

void SecretStore::runInMemory(const Pending &pending)
{
    const QString value = pending.op == Op::Read ? m_memory.value(pending.id) : QString();
    // From the event loop, like a keychain answer, so callers see one behaviour.
    QTimer::singleShot(0, this, [pending, value] { deliver(pending, value); });
}

void SecretStore::runInKeychain(Pending pending)
{
    if (pending.op == Op::Read && m_memory.contains(pending.id)) {
        // Asked before this session: no second keychain round trip (it may prompt).
        runInMemory(pending);
        return;
    }
    QKeychain::Job *job = nullptr;
    switch (pending.op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(serviceName(), this);
        break;
    case Op::Write: {
        auto *write = new QKeychain::WritePasswordJob(serviceName(), this);
        write->setTextData(pending.secret);
        job = write;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(serviceName(), this);
        break;
    }
    job->setKey(keyFor(pending.id));
    pending.secret.clear(); // the job holds it now; the callback needs no copy
    startJob(job, [this, pending](QKeychain::Job *finished, bool timedOut) {
        const QKeychain::Error error = timedOut ? QKeychain::OtherError : finished->error();
        const bool ok = error == QKeychain::NoError
                        || (error == QKeychain::EntryNotFound && pending.op != Op::Write);
        if (ok) {
            if (pending.op == Op::Read) {
                const QString secret
                        = static_cast<QKeychain::ReadPasswordJob *>(finished)->textData();
                if (!secret.isEmpty())
                    m_memory.insert(pending.id, secret);
                deliver(pending, secret);
            } else {
                deliver(pending, QString());
            }
            return;
        }
        // errorString() comes from the keychain service and never contains the secret.
        const QString why = timedOut
                                    ? u"the keychain did not answer within %1 ms"_s.arg(m_timeoutMs)
                                    : finished->errorString();
        if (m_backend == Backend::Keychain) {
            deliver(pending, Error(ErrorCode::Unsupported, u"keychain: %1"_s.arg(why)));
            return;
        }
        // Auto: keep working for this session; the write is already in memory.
        fallBackToMemory(why);
        runInMemory(pending);
    });
}

void SecretStore::startJob(QKeychain::Job *job,
                           std::function<void(QKeychain::Job *, bool)> finished)
{
    // The job deletes itself once it ends, also after a timeout (then nobody listens). It is
    // parented to the store, so a job that never ends goes with the store.
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file instead of a keychain
    auto *timer = new QTimer(job);
    timer->setSingleShot(true);
    auto handler
            = std::make_shared<std::function<void(QKeychain::Job *, bool)>>(std::move(finished));
    connect(job, &QKeychain::Job::finished, this, [handler, timer](QKeychain::Job *ended) {
        timer->stop();
        if (*handler)
            std::exchange(*handler, {})(ended, false);
    });
    connect(timer, &QTimer::timeout, this, [handler, job] {
        if (*handler)
            std::exchange(*handler, {})(job, true);
    });
    timer->start(m_timeoutMs);
    job->start();
}

void SecretStore::settle(State state)
{
    const bool wasPersistent = isPersistent();
    m_state = state;
    if (isPersistent() != wasPersistent || state == State::Memory)
        Q_EMIT persistenceChanged(isPersistent());
    const QList<Pending> waiting = std::exchange(m_waiting, {});
    for (const Pending &pending : waiting)
        run(pending);
}

void SecretStore::fallBackToMemory(const QString &why)
{
    if (m_state == State::Memory)
        return;
    qCInfo(lcModels).noquote() << "no usable keychain (" << why
                               << "); secrets are kept for this session only";
    settle(State::Memory);
}

void SecretStore::deliver(const Pending &pending, Result<QString> result)
{
    // A null context (fire and forget) and a dead one both mean: nobody to tell.
    if (pending.context && pending.done)
        pending.done(std::move(result));
}

} // namespace Berth

// Its own moc unit, not automoc's shared mocs_compilation: otherwise every program linking
// berth_models (the `berth` command line too) pulls in this class and with it QtKeychain/D-Bus.
#include "moc_secretstore.cpp"
