using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using MmSafe.Models;
using MmSafe.Models.Middleware;

namespace MmSafe.Tests.Support;

public static class TestModels
{
    public const string KeyVariable = "MMSAFE_TEST_KEY";
    public const string Key = "sk-test-SECRET-4f9a8b7c6d5e";

    /// <summary>A spec for the fake server with fast, bounded retries.</summary>
    public static ModelSpec Spec(FakeModelServer server) => new("test", ProviderKind.OpenAI, "test-model")
    {
        BaseUrl = server.BaseUrl,
        ApiKeyEnv = KeyVariable,
        Retry = new RetryOptions
        {
            MaxRetries = 3,
            BaseDelay = TimeSpan.FromMilliseconds(10),
            MaxDelay = TimeSpan.FromMilliseconds(50),
            RequestTimeout = TimeSpan.FromSeconds(10),
        },
    };

    public static ModelClient Client(FakeModelServer server, Func<ModelSpec, ModelSpec>? tweak = null, ILoggerFactory? loggers = null) =>
        new ModelClientFactory(loggerFactory: loggers, environment: name => name == KeyVariable ? Key : null)
            .Create(tweak is null ? Spec(server) : tweak(Spec(server)));

    public static IReadOnlyList<ChatMessage> Ask(string text = "Hi") => [new ChatMessage(ChatRole.User, text)];
}
