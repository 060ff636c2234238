// English for verification (核查) of grid-handled appeals: the phase, its two decisions, the photos and the queue.
export const verification: Record<string, string> = {
  待核查: 'Awaiting verification',
  核查通过: 'Verification passed',
  核查退回: 'Send back after verification',
  '核查意见（可选）': 'Verification note (optional)',
  退回原因: 'Reason for sending back',
  核查照片: 'Photos to verify',
  该诉求没有照片: 'This appeal has no photos',
  处置前: 'Before',
  处置后: 'After',
};
