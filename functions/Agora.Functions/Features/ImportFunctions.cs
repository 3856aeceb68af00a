using Agora.Core.Imports;
using Agora.Functions.Http;
using Agora.Infrastructure.Storage;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Supplier files: dropped into blob storage or uploaded over HTTP, imported by the blob trigger, followed by GET.</summary>
public sealed class ImportFunctions(ImportService imports)
{
    /// <summary>Every file dropped at imports/{supplierId}/{kind}/{file} (catalog, prices, stock, customers).</summary>
    [Function(nameof(ImportFile))]
    public async Task ImportFile(
        [BlobTrigger(StorageNames.ImportPath, Source = BlobTriggerSource.EventGrid)] BlobClient blob, string supplierId, string kind, string file, CancellationToken cancellationToken)
    {
        var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await imports.RunAsync(supplierId, kind, file, BlobImportFiles.VersionOf(properties.Value), cancellationToken).ConfigureAwait(false);
    }

    [Function(nameof(UploadImport))]
    [ApiOperation("Imports", "Upload a supplier file", Description = "The body is the file itself (CSV or XLSX, up to 100 MB), stored where a dropped file goes " +
        "(imports/{supplierId}/{kind}/{file}) and imported in the background. Kinds: catalog, prices (pricing managers), stock (warehouse), customers (sales managers); supplier admins all. " +
        "Answers 202 with the import to follow.", Response = typeof(ImportJob), Status = 202,
        Query = ["kind: catalog, prices, stock or customers (required)", "file: the file's name, such as precos-2026-11.csv (required)"], Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> UploadImport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{supplierId}/imports")] HttpRequest req, string supplierId, CancellationToken cancellationToken)
    {
        await using var body = req.BodyUpTo(ImportService.MaxUploadBytes, $"Files up to {ImportService.MaxUploadBytes / 1024 / 1024} MB are imported, uploaded or dropped in storage; split a larger one (by category, by price list).");
        var job = await imports.UploadAsync(req.Caller(), supplierId, req.Query("kind"), req.Query("file"), body, cancellationToken).ConfigureAwait(false);
        req.HttpContext.Response.Headers.Location = $"{req.PathBase}/api/orgs/{Uri.EscapeDataString(supplierId)}/imports/{job.Id}";
        return new JsonResult(job, Core.Common.Json.Options) { StatusCode = StatusCodes.Status202Accepted };
    }

    [Function(nameof(GetImport))]
    [ApiOperation("Imports", "Follow an import", Description = "Status and progress while it runs (rows read, applied, unchanged, rejected), then the outcome with each rejected row's line, column and reason.",
        Response = typeof(ImportJob), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetImport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/imports/{importId}")] HttpRequest req, string supplierId, string importId, CancellationToken cancellationToken) =>
        Api.Ok(await imports.GetAsync(req.Caller(), supplierId, importId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(ListImports))]
    [ApiOperation("Imports", "List a supplier's imports, newest first", Response = typeof(ImportPage), Query = ["cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 20)"], Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> ListImports(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/imports")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Page(await imports.ListAsync(req.Caller(), supplierId, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record ImportPage(IReadOnlyList<ImportJob> Items, string? Next);
}
