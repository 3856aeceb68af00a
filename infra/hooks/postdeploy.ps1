# azd postdeploy hook (Windows): the same as postdeploy.sh. Subscribes the import trigger (ImportFile, a blob trigger
# with the Event Grid source) to blob-created events under imports/, once the host has created its blobs_extension key.
# Needs the Azure CLI signed in to the same subscription (`az login`).
$ErrorActionPreference = 'Stop'

foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'AZURE_FUNCTION_APP_HOST', 'AZURE_IMPORTS_SYSTEM_TOPIC') {
    if (-not [Environment]::GetEnvironmentVariable($name)) { throw "postdeploy: $name is not set: run this through azd (azd up, azd deploy or azd hooks run postdeploy)." }
}
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    throw "postdeploy: the Azure CLI (az) is needed to create the Event Grid subscription; install it, run 'az login', then 'azd hooks run postdeploy'."
}

# Declared in code: StorageNames.ImportsContainer and the function's name (ImportFunctions.ImportFile).
$container = 'imports'
$function = 'ImportFile'

$key = ''
for ($attempt = 1; $attempt -le 18 -and -not $key; $attempt++) {
    $key = az functionapp keys list --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME --query systemKeys.blobs_extension --output tsv 2>$null
    if (-not $key) {
        Write-Host "postdeploy: waiting for the host of $env:AZURE_FUNCTION_APP_NAME to create its blobs_extension key ($attempt/18)"
        try { Invoke-WebRequest -UseBasicParsing -Uri "https://$env:AZURE_FUNCTION_APP_HOST/api/health" | Out-Null } catch { }
        Start-Sleep -Seconds 10
    }
}
if (-not $key) { throw "postdeploy: $env:AZURE_FUNCTION_APP_NAME has no blobs_extension key yet; check the deployment, then run 'azd hooks run postdeploy'." }

az eventgrid system-topic event-subscription create `
    --name imports-blob-created `
    --resource-group $env:AZURE_RESOURCE_GROUP `
    --system-topic-name $env:AZURE_IMPORTS_SYSTEM_TOPIC `
    --endpoint-type webhook `
    --endpoint "https://$($env:AZURE_FUNCTION_APP_HOST)/runtime/webhooks/blobs?functionName=Host.Functions.$function&code=$key" `
    --included-event-types Microsoft.Storage.BlobCreated `
    --subject-begins-with "/blobServices/default/containers/$container/" `
    --max-delivery-attempts 30 `
    --event-ttl 1440 `
    --output none
if ($LASTEXITCODE -ne 0) { throw "postdeploy: creating the Event Grid subscription failed." }

Write-Host "postdeploy: blob-created events under $container/ now reach $function on $env:AZURE_FUNCTION_APP_NAME."
