// The three ways kube-apiserver reports a patch it cannot apply (staging/.../endpoints/handlers/patch.go):
//  - a patch it cannot read is 400 BadRequest with the decoder's or mergepatch's message;
//  - a patch that reads fine but cannot be applied to this object is built with
//    NewGenericServerResponse(422), which keeps only a fixed message: reason Invalid, empty details;
//  - every other strategic-merge error (missing merge key, unknown $patch value, ...) is a plain Go error,
//    which the response writer turns into 500 with no reason at all (StatusReasonUnknown) and the raw text.
import { ApiError, errors } from '../errors.ts';

/** 400 BadRequest: the patch document itself is malformed. */
export function malformedPatch(message: string): ApiError {
  return errors.badRequest(message);
}

/** What NewGenericServerResponse(422, ...) says regardless of the underlying error. */
export const unprocessablePatchMessage = 'the server rejected our request due to an error in our request';

/** 422 Invalid: a well-formed patch that cannot be applied (failed `test`, missing path, list of lists). */
export function unprocessablePatch(): ApiError {
  return new ApiError(422, 'Invalid', unprocessablePatchMessage, {});
}

/**
 * 500 with an empty reason: how a non-Status Go error reaches the client. kubectl prints these as
 * `Error from server: <message>` (no reason in parentheses), which is what users of kube-apiserver see.
 */
export function unclassifiedPatchError(message: string): ApiError {
  const error = new ApiError(500, 'InternalError', message);
  // ApiError requires a reason; kube-apiserver sends none for these errors, so drop it.
  delete error.status.reason;
  return error;
}
