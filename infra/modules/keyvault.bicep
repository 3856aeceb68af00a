// Key Vault with Azure RBAC: holds the SendGrid API key, which the app reads through a Key Vault reference in its app
// settings. The key arrives as a secure parameter and goes nowhere else: not into an app setting, an output or a log.

param location string
param tags object
param name string

@secure()
@description('The SendGrid API key.')
param sendGridApiKey string

@description('Principal id of the app\'s managed identity.')
param principalId string

// Key Vault Secrets User, on the one secret: the app reads that secret and nothing else in the vault.
var secretsUserRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource sendGridSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'sendgrid-api-key'
  properties: {
    value: sendGridApiKey
    contentType: 'SendGrid API key'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(sendGridSecret.id, principalId, secretsUserRole)
  scope: sendGridSecret
  properties: {
    roleDefinitionId: secretsUserRole
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name

@description('The vault entry the SendGrid__ApiKey app setting refers to (versionless: a rotated key is picked up without a redeployment).')
output sendGridEntryName string = sendGridSecret.name
