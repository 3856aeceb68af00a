using Agora.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Agora.Testing;

/// <summary>The real adapters wired as in production, against the shared emulators, with a database of their own.</summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private ServiceProvider? _services;

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Not initialized.");

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async Task InitializeAsync()
    {
        var endpoints = await SharedEmulators.GetAsync();
        var settings = new Dictionary<string, string?>(endpoints.Settings)
        {
            ["CosmosDb:Database"] = SharedEmulators.Unique("db"),
            ["Auth:Issuer"] = TestTokens.Issuer,
            ["Auth:Audience"] = TestTokens.Audience,
            ["Auth:SigningKey"] = TestTokens.SigningKey,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddAgoraInfrastructure(configuration);
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<AgoraResources>().EnsureCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }
}
