#include "net/auth/dockerconfig.h"

#include "net/core/netlogging.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// The key docker itself uses for Docker Hub in config.json and with credential helpers.
constexpr QLatin1StringView HubCredentialKey{"https://index.docker.io/v1/"};
constexpr QLatin1StringView HubHost{"docker.io"};
// What docker-credential-* helpers print (on stdout, exit 1) when they have no entry.
constexpr QLatin1StringView HelperNotFound{"credentials not found in native keychain"};
// docker's marker for "Secret is an identity token, not a password".
constexpr QLatin1StringView IdentityTokenUser{"<token>"};
// A config file is a few KiB; refuse to read anything absurd.
constexpr qint64 MaxConfigFileBytes = 4 * 1024 * 1024;

Error configError(const QString &what)
{
    return Error(ErrorCode::BadResponse, u"Docker config: "_s + what);
}

Result<QJsonObject> parseObject(const QByteArray &json, const QString &what)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        return configError(u"%1 is not valid JSON (offset %2: %3)"_s.arg(what)
                                   .arg(error.offset)
                                   .arg(error.errorString()));
    }
    if (!document.isObject())
        return configError(what + u" is not a JSON object"_s);
    return document.object();
}

// "auth" is base64("user:password"); the password may itself contain ':'.
Result<Credentials> decodeAuth(const QString &auth, const QString &host)
{
    const auto decoded = QByteArray::fromBase64Encoding(auth.toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return configError(u"the \"auth\" value for %1 is not valid base64"_s.arg(host));
    const QString text = QString::fromUtf8(*decoded);
    const qsizetype colon = text.indexOf(u':');
    if (colon < 0)
        return configError(u"the \"auth\" value for %1 is not \"user:password\""_s.arg(host));
    Credentials credentials;
    credentials.username = text.left(colon);
    credentials.password = text.mid(colon + 1);
    return credentials;
}

Result<Credentials> parseAuthEntry(const QJsonValue &value, const QString &host)
{
    if (!value.isObject())
        return configError(u"the entry for %1 is not an object"_s.arg(host));
    const QJsonObject entry = value.toObject();
    Credentials credentials;
    const QString auth = entry.value("auth"_L1).toString();
    if (!auth.isEmpty()) {
        Result<Credentials> decoded = decodeAuth(auth, host);
        if (!decoded)
            return decoded.error();
        credentials = decoded.value();
    } else {
        credentials.username = entry.value("username"_L1).toString();
        credentials.password = entry.value("password"_L1).toString();
    }
    credentials.identityToken = entry.value("identitytoken"_L1).toString();
    return credentials;
}

// The serverURL docker hands a credential helper for a registry host.
QString helperServerUrl(const QString &registryHost)
{
    if (normaliseCredentialHost(registryHost) == HubHost)
        return HubCredentialKey;
    return registryHost;
}

bool isValidHelperName(const QString &helper)
{
    if (helper.isEmpty())
        return false;
    for (QChar c : helper) {
        if (!c.isLetterOrNumber() && c != u'-' && c != u'_' && c != u'.')
            return false;
    }
    return true;
}

QStringList defaultConfigFiles()
{
    const QString home = QDir::homePath();
    const QString dockerDir = qEnvironmentVariable("DOCKER_CONFIG", home + u"/.docker"_s);
    QStringList files{dockerDir + u"/config.json"_s};
    if (qEnvironmentVariableIsSet("REGISTRY_AUTH_FILE"))
        files.append(qEnvironmentVariable("REGISTRY_AUTH_FILE"));
    else if (qEnvironmentVariableIsSet("XDG_RUNTIME_DIR"))
        files.append(qEnvironmentVariable("XDG_RUNTIME_DIR") + u"/containers/auth.json"_s);
    files.append(home + u"/.config/containers/auth.json"_s);
    return files;
}

Result<Credentials> parseHelperOutput(const QByteArray &output, const QString &program)
{
    const Result<QJsonObject> parsed = parseObject(output, program + u" output"_s);
    if (!parsed)
        return Error(ErrorCode::BadResponse, u"%1 returned malformed output"_s.arg(program));
    const QString username = parsed->value("Username"_L1).toString();
    const QString secret = parsed->value("Secret"_L1).toString();
    if (secret.isEmpty())
        return Error(ErrorCode::NotFound, u"%1 returned no secret"_s.arg(program));
    Credentials credentials;
    if (username == IdentityTokenUser) {
        credentials.identityToken = secret;
    } else {
        credentials.username = username;
        credentials.password = secret;
    }
    return credentials;
}

Result<Credentials> helperResult(QProcess *process, const QString &program)
{
    const QByteArray output = process->readAllStandardOutput();
    if (process->exitStatus() != QProcess::NormalExit)
        return Error(ErrorCode::BadResponse, u"%1 crashed"_s.arg(program));
    if (process->exitCode() != 0) {
        if (QLatin1StringView(output.trimmed()) == HelperNotFound)
            return Error(ErrorCode::NotFound,
                         u"%1 has no credentials for this registry"_s.arg(program));
        // The output is not quoted: a misbehaving helper might print a secret.
        return Error(ErrorCode::BadResponse,
                     u"%1 failed with exit code %2"_s.arg(program).arg(process->exitCode()));
    }
    return parseHelperOutput(output, program);
}

} // namespace

QString normaliseCredentialHost(const QString &key)
{
    QString host = key.trimmed().toLower();
    for (const QLatin1StringView scheme : {"https://"_L1, "http://"_L1}) {
        if (host.startsWith(scheme)) {
            host = host.mid(scheme.size());
            break;
        }
    }
    host = host.section(u'/', 0, 0);
    if (host == u"index.docker.io" || host == u"registry-1.docker.io" || host == HubHost)
        return HubHost;
    return host;
}

Result<DockerConfig> DockerConfig::parse(const QByteArray &json)
{
    const Result<QJsonObject> parsed = parseObject(json, u"the file"_s);
    if (!parsed)
        return parsed.error();
    const QJsonObject &root = parsed.value();
    DockerConfig config;
    const QJsonObject auths = root.value("auths"_L1).toObject();
    for (auto it = auths.begin(); it != auths.end(); ++it) {
        Result<Credentials> credentials = parseAuthEntry(it.value(), it.key());
        if (!credentials)
            return credentials.error();
        // Docker Desktop writes empty entries next to credsStore; they mean "ask the helper".
        if (!credentials->isEmpty())
            config.m_auths.insert(normaliseCredentialHost(it.key()), credentials.value());
    }
    const QJsonObject helpers = root.value("credHelpers"_L1).toObject();
    for (auto it = helpers.begin(); it != helpers.end(); ++it) {
        if (!it.value().isString())
            return configError(u"credHelpers[\"%1\"] is not a string"_s.arg(it.key()));
        config.m_credHelpers.insert(normaliseCredentialHost(it.key()), it.value().toString());
    }
    config.m_credsStore = root.value("credsStore"_L1).toString();
    return config;
}

DockerConfig DockerConfig::loadDefault(QStringList *warnings)
{
    DockerConfig merged;
    const QStringList files = defaultConfigFiles();
    for (const QString &path : files) {
        QFile file(path);
        if (!file.exists())
            continue;
        QString problem;
        if (file.size() > MaxConfigFileBytes || !file.open(QIODevice::ReadOnly)) {
            problem = u"cannot read it"_s;
        } else {
            const Result<DockerConfig> config = parse(file.readAll());
            if (config)
                merged.merge(config.value());
            else
                problem = config.error().message;
        }
        if (problem.isEmpty())
            continue;
        const QString warning = u"Skipped %1: %2"_s.arg(QDir::toNativeSeparators(path), problem);
        qCWarning(lcAuth).noquote() << warning;
        if (warnings)
            warnings->append(warning);
    }
    return merged;
}

std::optional<Credentials> DockerConfig::inlineCredentials(const QString &registryHost) const
{
    const auto it = m_auths.constFind(normaliseCredentialHost(registryHost));
    if (it == m_auths.cend())
        return std::nullopt;
    return *it;
}

QString DockerConfig::helperFor(const QString &registryHost) const
{
    return m_credHelpers.value(normaliseCredentialHost(registryHost), m_credsStore);
}

void DockerConfig::merge(const DockerConfig &lowerPriority)
{
    for (auto it = lowerPriority.m_auths.cbegin(); it != lowerPriority.m_auths.cend(); ++it) {
        if (!m_auths.contains(it.key()))
            m_auths.insert(it.key(), it.value());
    }
    for (auto it = lowerPriority.m_credHelpers.cbegin(); it != lowerPriority.m_credHelpers.cend();
         ++it) {
        if (!m_credHelpers.contains(it.key()))
            m_credHelpers.insert(it.key(), it.value());
    }
    if (m_credsStore.isEmpty())
        m_credsStore = lowerPriority.m_credsStore;
}

CredentialHelper::CredentialHelper(QObject *parent)
    : QObject(parent)
{}

void CredentialHelper::get(const QString &helper, const QString &registryHost, QObject *context,
                           Callback done)
{
    const QString program = u"docker-credential-"_s + helper;
    const QPointer<QObject> guard(context);
    // Runs at most once: the first of finished / failed-to-start / timeout wins.
    auto finished = std::make_shared<bool>(false);
    auto complete = [guard, done, finished](Result<Credentials> result) {
        if (*finished)
            return;
        *finished = true;
        if (guard)
            done(std::move(result));
    };

    const QString path
            = isValidHelperName(helper) ? QStandardPaths::findExecutable(program) : QString();
    if (path.isEmpty()) {
        const Error error(ErrorCode::Unsupported,
                          u"Credential helper %1 is not installed"_s.arg(program));
        // Always asynchronous, so callers see the same order of events on every path.
        QTimer::singleShot(0, this, [complete, error] { complete(error); });
        return;
    }

    auto *process = new QProcess(this);
    auto *timer = new QTimer(process);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, process,
            [process, complete, program, timeoutMs = m_timeoutMs] {
                complete(Error(
                        ErrorCode::Timeout,
                        u"Credential helper %1 did not answer within %2 ms"_s.arg(program).arg(
                                timeoutMs)));
                process->kill(); // finished() follows and deletes the process
            });
    connect(process, &QProcess::finished, process, [process, timer, complete, program] {
        timer->stop();
        complete(helperResult(process, program));
        process->deleteLater();
    });
    connect(process, &QProcess::errorOccurred, process,
            [process, timer, complete, program](QProcess::ProcessError error) {
                if (error != QProcess::FailedToStart)
                    return; // finished() reports crashes and exit codes
                timer->stop();
                complete(Error(ErrorCode::Unsupported,
                               u"Credential helper %1 could not be started"_s.arg(program)));
                process->deleteLater();
            });
    process->start(path, {u"get"_s});
    process->write(helperServerUrl(registryHost).toUtf8());
    process->closeWriteChannel();
    timer->start(m_timeoutMs);
}

} // namespace Berth

// Its own moc unit: tests that use only CredentialHelper then need no other QObject of berth_net.
#include "moc_dockerconfig.cpp"
