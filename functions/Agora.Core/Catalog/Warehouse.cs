namespace Agora.Core.Catalog;

/// <summary>A place a supplier ships from.</summary>
public sealed record Warehouse(string Id, string Name, string? City, string? Country, bool Active);

public sealed record WarehouseInput(string? Name, string? City, string? Country, bool? Active);
