// The walls of the house (docs/ARCHITECTURE.md), checked by `npm run lint:deps` in `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules inside app/ never import each other in a circle.',
      from: { path: '^app/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'case-kinds-apart',
      severity: 'error',
      comment:
        'Appeals, referral cases and beneficiary callbacks are sibling kinds on the case kernel; app/case-links/ joins them.',
      from: { path: '^app/(appeals|referrals|beneficiary-callbacks)/' },
      to: { path: '^app/(appeals|referrals|beneficiary-callbacks)/', pathNot: '^app/$1/' },
    },
    {
      name: 'kernel-stays-below',
      severity: 'error',
      comment: 'The case kernel and data access serve every feature and import none of them.',
      from: { path: '^app/(cases|db|domain)/' },
      to: { path: '^app/(?!cases/|db/|domain/|calendar/)' },
    },
    {
      name: 'machines-are-pure',
      severity: 'error',
      comment: 'Machines know nothing of the app, the database or the network.',
      from: { path: '^machines/' },
      to: { path: '^(app|entities|telephony)/' },
    },
    {
      name: 'routes-are-leaves',
      severity: 'error',
      comment: 'Nothing imports a route module.',
      from: { pathNot: '^app/routes/' },
      to: { path: '^app/routes/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|build|public/build)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
