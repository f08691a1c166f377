import type * as contract from '../../backend/src/contract';
import type * as local from '../../src/api/types';

// src/api/types.ts copies the DTOs of backend/src/contract.ts; `npm run typecheck` fails when they drift apart.
describe('src/api/types.ts', () => {
  it('matches backend/src/contract.ts', () => {
    expectTypeOf<local.ErrorBody>().toEqualTypeOf<contract.ErrorBody>();
    expectTypeOf<local.RepositoryDto>().toEqualTypeOf<contract.RepositoryDto>();
    expectTypeOf<local.WorkflowDto>().toEqualTypeOf<contract.WorkflowDto>();
    expectTypeOf<local.WorkflowInputDto>().toEqualTypeOf<contract.WorkflowInputDto>();
    expectTypeOf<local.WorkflowInputsDto>().toEqualTypeOf<contract.WorkflowInputsDto>();
    expectTypeOf<local.BranchDto>().toEqualTypeOf<contract.BranchDto>();
    expectTypeOf<local.RunDto>().toEqualTypeOf<contract.RunDto>();
    expectTypeOf<local.StepDto>().toEqualTypeOf<contract.StepDto>();
    expectTypeOf<local.JobDto>().toEqualTypeOf<contract.JobDto>();
    expectTypeOf<local.DeploymentDto>().toEqualTypeOf<contract.DeploymentDto>();
    expectTypeOf<local.ListDto<local.BranchDto>>().toEqualTypeOf<contract.ListDto<contract.BranchDto>>();
  });
});
