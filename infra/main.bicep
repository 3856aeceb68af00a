// Agora in Azure: everything `azd up` provisions (see infra/README.md). One resource group per azd environment; resource
// names derive from the environment, subscription and region. Modules are local (modules/): public registry modules
// cannot be restored where this is built and tested.
//
// The names below (blob containers, queues, Cosmos containers, the Service Bus topic) are the ones the code declares in
// StorageNames, Containers and ServiceBusOptions; tests/Agora.Infrastructure.Tests/Infra fails when they drift apart.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment (AZURE_ENV_NAME): it names the resource group and seeds the resource names.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer the Flex Consumption plan.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Cosmos DB capacity: serverless (pay per request; the default) or autoscale (provisioned, shared by the database).')
@allowed(['serverless', 'autoscale'])
param cosmosThroughputMode string = 'serverless'

@description('Highest RU/s of the database in autoscale mode (it scales between 10% and 100% of this).')
@minValue(1000)
@maxValue(1000000)
param cosmosAutoscaleMaxThroughput int = 1000

@minLength(1)
@description('Issuer bearer tokens must carry (Auth__Issuer), e.g. https://login.microsoftonline.com/<tenant id>/v2.0.')
param authIssuer string

@minLength(1)
@description('Audience bearer tokens must carry (Auth__Audience): the API\'s application id URI or client id.')
param authAudience string

@description('OpenID Connect metadata of the identity provider (Auth__MetadataAddress). Empty: the issuer\'s /.well-known/openid-configuration.')
param authMetadataAddress string = ''

@description('Claim that identifies a person (Auth__SubjectClaim): oid for Microsoft Entra ID, sub for most other providers.')
param authSubjectClaim string = 'oid'

@secure()
@minLength(1)
@description('SendGrid API key. It is written to Key Vault only; the app reads it through a Key Vault reference.')
param sendGridApiKey string

@minLength(3)
@description('Verified SendGrid sender address (SendGrid__FromEmail).')
param sendGridFromEmail string

@description('Sender name of emails (SendGrid__FromName).')
param sendGridFromName string = 'Agora'

@minValue(1)
@description('SendGrid unsubscribe group of offers and campaigns (SendGrid__UnsubscribeGroups__Offers): create it in the SendGrid account first.')
param sendGridGroupOffers int

@minValue(1)
@description('SendGrid unsubscribe group of the abandoned-cart sequence (SendGrid__UnsubscribeGroups__CartReminders).')
param sendGridGroupCartReminders int

@minValue(1)
@description('SendGrid unsubscribe group of the reactivation sequence (SendGrid__UnsubscribeGroups__Reactivation).')
param sendGridGroupReactivation int

@description('Verification key of the signed SendGrid Event Webhook (SendGrid__WebhookPublicKey), base64 as the SendGrid console shows it. A public key, not a secret. Empty until the webhook is set up (it needs the app\'s URL): every event call is refused until then.')
param sendGridWebhookPublicKey string = ''

@minLength(1)
@description('Base URL of the web client, used in email links and allowed by CORS (Notifications__PortalUrl).')
param portalUrl string

@description('Six-field cron (UTC) of the invitation-expiry timer (InvitationExpirySchedule).')
param invitationExpirySchedule string = '0 0 2 * * *'

@description('Six-field cron (UTC) of the nightly stock reconciliation (StockReconciliationSchedule).')
param stockReconciliationSchedule string = '0 30 2 * * *'

@description('Six-field cron (UTC) of the overdue-reminder timer (OverdueReminderSchedule).')
param overdueReminderSchedule string = '0 0 7 * * *'

@description('Six-field cron (UTC) of the campaign timer: runs due, sequences, sales-manager tasks (CampaignSchedule).')
param campaignSchedule string = '0 */15 * * * *'

@description('Six-field cron (UTC) of the nightly clearance analysis (ClearanceSchedule).')
param clearanceSchedule string = '0 0 3 * * *'

@description('Six-field cron (UTC) of the sales managers\' morning digest (ManagerDigestSchedule), after the overdue reminders.')
param managerDigestSchedule string = '0 30 7 * * *'

@minValue(1)
@maxValue(30)
@description('How many days before its expiry an unaccepted proposed quote becomes a sales-manager task (SalesTasks__ExpiringQuoteDays).')
param salesTasksExpiringQuoteDays int = 3

@minValue(1)
@description('From how many discrepancies a stock reconciliation emails the warehouse staff (StockReconciliation__AlertThreshold).')
param stockReconciliationAlertThreshold int = 10

@minValue(1)
@maxValue(5000)
@description('Rows of a supplier file applied together: read in one query per kind, their writes overlapping (Imports__BatchSize).')
param importBatchSize int = 1000

@minValue(1)
@maxValue(256)
@description('Database requests one import keeps in flight (Imports__WritesInFlight); throttled ones wait and are sent again.')
param importWritesInFlight int = 32

@minValue(1024)
@description('Largest JSON request body, in bytes (Http__MaxRequestBodyBytes).')
param httpMaxRequestBodyBytes int = 1048576

@minValue(40)
@maxValue(1000)
@description('Most instances the Function App scales out to.')
param functionMaximumInstanceCount int = 100

@minValue(512)
@maxValue(4096)
@description('Memory of each Function App instance, in MB: 512, 2048 or 4096.')
param functionInstanceMemoryMB int = 2048

@description('Where the alerts (modules/alerts.bicep) are emailed; empty: they show in the portal only.')
param alertEmail string = ''

var tags = { 'azd-env-name': environmentName }
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var functionAppName = 'func-${resourceToken}'
var metadataAddress = empty(authMetadataAddress)
  ? '${authIssuer}${endsWith(authIssuer, '/') ? '' : '/'}.well-known/openid-configuration'
  : authMetadataAddress

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'id-${resourceToken}'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    principalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'st${resourceToken}'
    deploymentContainerName: 'app-package-${take(functionAppName, 32)}'
    // StorageNames.BlobContainers and StorageNames.Queues.
    blobContainers: ['imports', 'imports-results', 'reports']
    queues: ['notifications', 'price-list-purges', 'sales']
    systemTopicName: 'evgt-st${resourceToken}'
    principalId: identity.outputs.principalId
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    location: location
    tags: tags
    accountName: 'cosmos-${resourceToken}'
    // CosmosOptions.Database, Containers.All and Containers.PartitionKeyPath.
    databaseName: 'agora'
    containerNames: ['organizations', 'catalog', 'users', 'due', 'requests', 'sales']
    partitionKeyPath: '/pk'
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    principalId: identity.outputs.principalId
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    location: location
    tags: tags
    namespaceName: 'sb-${resourceToken}'
    // ServiceBusOptions.Topic's default.
    topicName: 'integration-events'
    subscriptionName: 'erp'
    principalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'kv-${resourceToken}'
    sendGridApiKey: sendGridApiKey
    principalId: identity.outputs.principalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    location: location
    tags: tags
    planName: 'plan-${resourceToken}'
    name: functionAppName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    serviceBusTopic: serviceBus.outputs.topicName
    keyVaultName: keyVault.outputs.name
    sendGridEntryName: keyVault.outputs.sendGridEntryName
    authIssuer: authIssuer
    authAudience: authAudience
    authMetadataAddress: metadataAddress
    authSubjectClaim: authSubjectClaim
    sendGridFromEmail: sendGridFromEmail
    sendGridFromName: sendGridFromName
    sendGridGroupOffers: sendGridGroupOffers
    sendGridGroupCartReminders: sendGridGroupCartReminders
    sendGridGroupReactivation: sendGridGroupReactivation
    sendGridWebhookPublicKey: sendGridWebhookPublicKey
    portalUrl: portalUrl
    invitationExpirySchedule: invitationExpirySchedule
    stockReconciliationSchedule: stockReconciliationSchedule
    overdueReminderSchedule: overdueReminderSchedule
    campaignSchedule: campaignSchedule
    clearanceSchedule: clearanceSchedule
    managerDigestSchedule: managerDigestSchedule
    salesTasksExpiringQuoteDays: salesTasksExpiringQuoteDays
    stockReconciliationAlertThreshold: stockReconciliationAlertThreshold
    importBatchSize: importBatchSize
    importWritesInFlight: importWritesInFlight
    httpMaxRequestBodyBytes: httpMaxRequestBodyBytes
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    namePrefix: resourceToken
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    cosmosAccountName: cosmos.outputs.accountName
    functionAppHostName: functionApp.outputs.defaultHostName
    alertEmail: alertEmail
  }
}

// Read by azd (written to .azure/<env>/.env) and by infra/hooks/postdeploy.sh. Names and endpoints only.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOST string = functionApp.outputs.defaultHostName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_IMPORTS_SYSTEM_TOPIC string = storage.outputs.systemTopicName
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
