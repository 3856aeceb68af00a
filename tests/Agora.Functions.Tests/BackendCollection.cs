using Agora.Testing;

namespace Agora.Functions.Tests;

/// <summary>The end-to-end tests share one backend and run one at a time: they move its clock and read its mail sink.</summary>
[CollectionDefinition(Name)]
public sealed class BackendCollection : ICollectionFixture<BackendFixture>
{
    public const string Name = "backend";
}
