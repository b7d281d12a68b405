"""Study 4: Bias amplification by the sampler (study `amplify`): library code of the study; its workflow is workflow/studies/amplify/."""
